from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_enterprise_name_prefix")]

    operations = [
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                fields=["province_code", "regency_code", "workers"], name="enterprise_region_workers"
            ),
        ),
    ]
