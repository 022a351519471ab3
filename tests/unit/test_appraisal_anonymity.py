"""What the appraised employee may read of the behaviour evidence behind their appraisal."""

from appraisal_service.service_layer.views import redacted_for_the_employee


def explanation(peer_answers: int) -> dict:
    return {"perilaku": {"score": 0.0, "values_below": 0, "values": [{
        "value": "harmonis", "level": "sesuai_ekspektasi", "score": 0.0, "answers": peer_answers + 1,
        "evidence": [
            {"source": "appraiser", "answers": 1, "mean": 0.0, "weight": 0.5},
            {"source": "peer", "answers": peer_answers, "mean": -1.0, "weight": 0.2},
        ],
    }]}}


def test_fewer_than_three_peer_answers_are_hidden_from_the_employee():
    evidence = redacted_for_the_employee(explanation(2))["perilaku"]["values"][0]["evidence"]
    peer = next(e for e in evidence if e["source"] == "peer")
    assert peer["mean"] is None and "hidden" in peer
    assert next(e for e in evidence if e["source"] == "appraiser")["mean"] == 0.0


def test_three_peer_answers_show_as_their_aggregate():
    evidence = redacted_for_the_employee(explanation(3))["perilaku"]["values"][0]["evidence"]
    assert next(e for e in evidence if e["source"] == "peer")["mean"] == -1.0
