"""The values made for every comment are made quickly (`stagehand.frozen.quick_init`) and are
still exactly what their dataclass declares: the same parameters and defaults, equal objects,
frozen, pickled and compared alike."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from datetime import UTC, datetime

import pytest

from stagehand.domain import Author, AuthorKey, Comment, CommentKind, RankedComment, Score
from stagehand.events import CommentRanked
from stagehand.frozen import quick_init
from stagehand.show.kinds import Classified

QUICK = [AuthorKey, Author, Comment, Score, RankedComment, CommentRanked, Classified]


@pytest.mark.parametrize("cls", QUICK, ids=lambda cls: cls.__name__)
def test_the_parameters_are_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, f in zip(parameters, fields, strict=True):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not dataclasses.MISSING:
            assert parameter.default is f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert repr(parameter.default) == "<factory>"
        else:
            assert parameter.default is inspect.Parameter.empty


def _comment(**changes: object) -> Comment:
    author = Author("twitch", "42", "viewer", "Viewer", frozenset({"subscriber"}))
    fields: dict[str, object] = {
        "id": "m-1",
        "platform": "twitch",
        "channel": "chan",
        "author": author,
        "text": "what mic is that?",
        "ts": datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return Comment(**fields)  # type: ignore[arg-type]


def test_objects_are_the_same_made_by_position_by_keyword_or_by_replace() -> None:
    by_keyword = _comment(clean_text="what mic is that?", reply_to="m-0")
    by_position = Comment(
        "m-1",
        "twitch",
        "chan",
        by_keyword.author,
        "what mic is that?",
        by_keyword.ts,
        "m-0",
        False,
        (),
        "what mic is that?",
        False,
        None,
    )
    assert by_position == by_keyword
    assert hash(by_position) == hash(by_keyword)
    assert dataclasses.replace(by_keyword) == by_keyword
    assert by_keyword.cleaned("what mic?", True) == dataclasses.replace(
        by_keyword, clean_text="what mic?", truncated=True
    )
    assert repr(by_keyword).startswith("Comment(id='m-1', platform='twitch', channel='chan'")
    assert pickle.loads(pickle.dumps(by_keyword)) == by_keyword
    assert by_keyword.author.key == AuthorKey("twitch", "42")
    assert str(by_keyword.author.key) == "twitch:42"


def test_every_kind_pickles_copies_and_compares_as_itself() -> None:
    comment = _comment(clean_text="what mic is that?", attachments=("a.png",))
    score = Score(1.5, 2.5, {"base": 1.0}, frozenset({"question"}), ("twitch", "m-0"))
    ranked = RankedComment(comment, score, 2, CommentKind.COMMENT)
    values = [comment.author.key, comment.author, comment, score, ranked, CommentRanked(ranked)]
    values.append(Classified(CommentKind.COMMAND, command="hand"))
    for value in values:
        assert type(value) in QUICK
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            again = pickle.loads(pickle.dumps(value, protocol=protocol))
            assert type(again) is type(value) and again == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value
        with pytest.raises(dataclasses.FrozenInstanceError):
            object.__getattribute__(value, "__setattr__")(dataclasses.fields(value)[0].name, 1)


def test_defaults_are_given_and_a_factory_makes_a_new_value_each_time() -> None:
    comment = _comment()
    assert (comment.reply_to, comment.first_message, comment.attachments) == (None, False, ())
    assert (comment.clean_text, comment.truncated, comment.highlight) == ("", False, None)
    one, two = Score(1.0, 2.0), Score(1.0, 2.0)
    assert one.reasons == {} and one.reasons is not two.reasons
    assert (one.flags, one.same_as) == (frozenset(), None)
    ranked = RankedComment(comment, one, 3, CommentKind.COMMENT)
    assert CommentRanked(ranked).ranked is ranked
    assert Classified(CommentKind.COMMAND, command="hand") == Classified(
        CommentKind.COMMAND, None, "hand"
    )


def test_still_frozen_and_missing_or_unknown_arguments_are_refused() -> None:
    comment = _comment()
    with pytest.raises(dataclasses.FrozenInstanceError):
        comment.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Author("twitch", "42")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        AuthorKey("twitch", "42", extra=1)  # type: ignore[call-arg]


def test_only_a_plain_frozen_slotted_dataclass_is_made_quick() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            pass

    for cls in (NoSlots, NotFrozen, Checked):
        with pytest.raises(TypeError, match="not a plain frozen, slotted dataclass"):
            quick_init(cls)
