"""Train and test one image-classification model: ``python main.py --TextArgs=<file>``.

All flags come from the TextArgs file (one ``--flag=value`` per line); the file is looked up
as given, then under ``configs/``. See ``phc.textargs`` for the flags and the file format.
"""

from pathlib import Path

from phc.experiment import main

if __name__ == "__main__":
    main(config_dirs=[Path(__file__).resolve().parent / "configs"])
