from linesift.command import main

main()
