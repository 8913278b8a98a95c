from linesift.cli import main

main(prog_name="linesift")
