"""A person's examples follow them: loaded for vision, kept as they practise, cleared; none for the guest."""

from __future__ import annotations

from appliance.coach.events import ExampleKept
from appliance.history import HistoryStore
from appliance.history.examples import example_counts
from appliance.profiles import GUEST, ProfileRegistry
from appliance.ui.profile_link import ProfileLink
from appliance.vision.examples import reading_identity
from appliance.vision.reading import head
from tests.ui.test_profile_link import FakeVision, now, record, settled

IDENTITY = reading_identity(head())


class ExamplesVision(FakeVision):
    def __init__(self) -> None:
        super().__init__()
        self.examples: list = []

    def set_examples(self, examples) -> None:
        self.examples.append(examples.counts if examples else {})


def kept(label: str, value: float = 2.0, *, replaces: bool = False) -> ExampleKept:
    return ExampleKept(label, tuple([value] * 39), IDENTITY, label, 80, replaces, 0.0, 1_750_000_000.0)


def link_in(root):
    from appliance.coach.coach import Coach

    coach, vision = Coach(), ExamplesVision()
    link = ProfileLink(ProfileRegistry(root), coach, vision=vision, post=now)
    link.start()
    settled(link)
    return link, coach, vision


def test_kept_examples_reach_vision_at_once_and_again_after_a_restart(tmp_path):
    link, _coach, vision = link_in(tmp_path)
    record(link, [kept("anger"), kept("fear"), kept("anger", 3.0)])
    assert vision.examples[-1] == {"anger": 2, "fear": 1}
    record(link, [kept("anger", 4.0, replaces=True)])  # redone in the teach routine
    assert vision.examples[-1] == {"anger": 1, "fear": 1}
    link.close()
    again, coach, vision = link_in(tmp_path)
    assert vision.examples[-1] == {"anger": 1, "fear": 1}
    assert coach.best_examples["anger"][0][0] == 4.0  # the consistency drills' standard, from the history
    again.history.clear_examples()
    settled(again)
    assert vision.examples[-1] == {} and coach.best_examples == {}
    again.close()
    with HistoryStore(ProfileRegistry(tmp_path).history_path("p1")) as store:
        assert example_counts(store.connection) == {}


def test_the_guest_keeps_none_and_gets_nobody_elses(tmp_path):
    link, coach, vision = link_in(tmp_path)
    record(link, [kept("anger")])
    link.switch(GUEST)
    settled(link)
    assert vision.examples[-1] == {} and coach.best_examples == {}  # not Person 1's
    record(link, [kept("fear")])
    assert vision.examples[-1] == {} and link.history.dropped == 1
    link.switch("p1")
    settled(link)
    assert vision.examples[-1] == {"anger": 1}  # the guest's fear went nowhere
    link.close()


def test_removing_a_person_removes_their_examples(tmp_path):
    link, _coach, vision = link_in(tmp_path)
    ben = link.add("Ben")
    settled(link)
    record(link, [kept("sadness")])
    assert vision.examples[-1] == {"sadness": 1}
    folder = link.registry.folder(ben)
    link.remove(ben.id)
    settled(link)
    assert not folder.exists() and vision.examples[-1] == {}
    link.add("Ben")  # the same name again is a new person, with no examples
    settled(link)
    assert vision.examples[-1] == {}
    link.close()


def test_a_long_run_keeps_only_the_newest_of_each_expression_in_memory_too(tmp_path):
    from appliance.vision.examples import MOST_EXAMPLES

    link, _coach, vision = link_in(tmp_path)
    record(link, [kept("anger", float(i)) for i in range(MOST_EXAMPLES + 10)])
    assert vision.examples[-1] == {"anger": MOST_EXAMPLES} and len(link.history._example_rows) == MOST_EXAMPLES
    assert link.history.examples.by_label["anger"][0][0] == 10.0
    link.close()
