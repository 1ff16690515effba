"""Reads of the survey module: the coordinator's list and the results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from filiere.surveys.models import Answer, RankedList, Survey
from filiere.surveys.ranking import score

# Below this many answers the per-item results are hidden: with 2, 3 or 4 respondents a
# colleague who knows who answered could guess a ranking.
RESULTS_THRESHOLD = 5


def surveys_with_counts() -> QuerySet[Survey]:
    return Survey.objects.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count(
            "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
        ),
    ).order_by("-created_at")


@dataclass(frozen=True)
class ItemResult:
    label: str
    mean_rank: float | None
    borda: int


@dataclass(frozen=True)
class ListResult:
    public_id: str
    title: str
    size: int
    # Items ranked by Borda count, best first (the mean rank breaks no tie: equal counts keep
    # the list's order).
    items: list[ItemResult]


@dataclass(frozen=True)
class SurveyResults:
    answers: int
    invitations: int
    lists: list[ListResult]
    threshold: int = RESULTS_THRESHOLD

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.answers / self.invitations, 1) if self.invitations else None

    @property
    def shown(self) -> bool:
        return self.answers >= self.threshold


def survey_results(survey: Survey) -> SurveyResults:
    lists = list(RankedList.objects.filter(survey=survey).prefetch_related("items"))
    ballots = list(Answer.objects.filter(survey=survey).values_list("ranks", flat=True))
    results = []
    for ranked in lists:
        labels = [item.label for item in ranked.items.all()]
        key = str(ranked.public_id)
        scores = score(len(labels), [ballot[key] for ballot in ballots if key in ballot])
        items = [
            ItemResult(label=labels[s.position], mean_rank=s.mean_rank, borda=s.borda)
            for s in scores
        ]
        items.sort(key=lambda item: -item.borda)
        results.append(ListResult(public_id=key, title=ranked.title, size=len(labels), items=items))
    return SurveyResults(
        answers=len(ballots),
        invitations=survey.invitations.count(),
        lists=results,
    )
