"""A program that never ends in time: for --timeout."""
import time

while True:
    time.sleep(0.1)
