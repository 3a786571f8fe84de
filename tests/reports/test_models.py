import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.models import LanguageVersion, Publication, PublicationRelation
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def test_one_publication_exists_in_several_languages():
    strategy = PublicationFactory(title="Technical Cooperation Strategy")
    LanguageVersion.objects.create(
        publication=strategy, language_id="en", title="Technical Cooperation Strategy"
    )
    LanguageVersion.objects.create(
        publication=strategy, language_id="ru", title="Стратегия технического сотрудничества"
    )
    PublicationFactory()  # English only: no versions
    assert list(Publication.objects.in_language("ru")) == [strategy]
    with pytest.raises(IntegrityError), transaction.atomic():
        LanguageVersion.objects.create(publication=strategy, language_id="ru", title="Again")


def test_a_publication_cannot_be_related_to_itself():
    publication = PublicationFactory()
    relation = PublicationRelation(
        source=publication, target=publication, relation_type=PublicationRelation.Type.IS_DERIVED_FROM
    )
    with pytest.raises(ValidationError):
        relation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        relation.save()


def test_publication_date_is_kept_to_its_precision():
    publication = PublicationFactory.build(
        publication_date=datetime.date(2004, 6, 30), publication_date_precision="year", slug="x"
    )
    publication.full_clean()
    assert publication.publication_date == datetime.date(2004, 1, 1)


def test_published_excludes_drafts():
    published = PublicationFactory()
    PublicationFactory(draft=True)
    assert list(Publication.objects.published()) == [published]
