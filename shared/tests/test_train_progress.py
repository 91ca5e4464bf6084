"""Progress bars: on for a terminal, off otherwise or when asked."""

import io

from paramlab.train import progress, progress_enabled


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_tty_is_silent():
    stream = io.StringIO()
    bar = progress(range(5), desc="train", file=stream)
    assert list(bar) == [0, 1, 2, 3, 4]
    bar.set_postfix(loss=1.0)
    bar.close()
    assert bar.disable and stream.getvalue() == ""
    assert not progress_enabled(stream=stream)


def test_tty_shows_bar():
    stream = Terminal()
    bar = progress(range(5), desc="train", file=stream, leave=True)
    assert not bar.disable
    assert list(bar) == [0, 1, 2, 3, 4]
    bar.close()
    assert "train" in stream.getvalue() and "5/5" in stream.getvalue()


def test_explicit_choice_wins():
    terminal, pipe = Terminal(), io.StringIO()
    assert list(progress(range(3), enabled=False, file=terminal)) == [0, 1, 2]
    assert terminal.getvalue() == ""
    bar = progress(range(3), desc="forced", enabled=True, file=pipe)
    list(bar)
    bar.close()
    assert "forced" in pipe.getvalue()
