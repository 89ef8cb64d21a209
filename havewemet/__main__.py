from havewemet.cli import main

main()
