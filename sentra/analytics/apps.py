from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sentra.analytics"
    label = "analytics"

    def ready(self) -> None:
        # The count of active IKM per village × KBLI follows every registry write in its transaction
        # (analytics/aggregates.py): services, imports, and audit's restores and rollbacks.
        from sentra.audit.signals import placed_records_written
        from sentra.registry.signals import enterprise_villages_written, enterprise_written

        from . import aggregates

        enterprise_written.connect(aggregates.on_enterprise_written, dispatch_uid="analytics_kbli_one")
        enterprise_villages_written.connect(
            aggregates.on_villages_written, dispatch_uid="analytics_kbli_import"
        )
        placed_records_written.connect(
            aggregates.on_placed_records_written, dispatch_uid="analytics_kbli_audit"
        )

        # The beneficiaries import warns of likely overlaps on its rows (issue 17 §1).
        from sentra.programmes.signals import beneficiary_row_checked

        from .overlap_report import import_row_warnings

        beneficiary_row_checked.connect(import_row_warnings, dispatch_uid="analytics_import_overlaps")

        # The overlap check's stored topic of an activity follows its every save, in its transaction.
        from django.db.models.signals import post_save

        from sentra.programmes.models import Activity

        from .overlaps import on_activity_saved

        post_save.connect(on_activity_saved, sender=Activity, dispatch_uid="analytics_activity_topic")

        from sentra.core.demo import DemoStep, register_demo_step

        # `sentra demo`: the count rebuilt after the generated registry, and two registry years.
        register_demo_step(
            DemoStep(
                key=self.label,
                run="sentra.analytics.demo.demo_step",
                order=60,
                counts=("registry counts", "registry snapshots"),
            )
        )
        # Sentra candidates and growth in Kaltim: IKM without a sentra, before the count and snapshots.
        register_demo_step(
            DemoStep(
                key="analytics_candidates",
                run="sentra.analytics.demo_candidates.demo_step",
                order=55,
                counts=("candidate demo IKM",),
            )
        )
        # Overlaps, links and pathways to look at: the Kutai Timur case and a few generated ones.
        register_demo_step(
            DemoStep(
                key="analytics_overlaps",
                run="sentra.analytics.demo_overlaps.demo_step",
                order=65,
                counts=("overlap demo activities", "activity links"),
            )
        )
