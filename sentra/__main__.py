from sentra.cli import main

main()
