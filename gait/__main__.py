from gait.cli import run

run()
