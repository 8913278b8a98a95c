from training.cli import main

main(prog_name="linesift")
