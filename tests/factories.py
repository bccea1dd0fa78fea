import datetime

import factory

from cms.models import Conference, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Lovelace{n}")
    name_zh = factory.Sequence(lambda n: f"李{n}")
    preferred_language = "zh-hans"
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ConferenceFactory(factory.django.DjangoModelFactory):
    """An unsaved-by-default conference: pass it to ``create_conference`` to build its site."""

    class Meta:
        model = Conference

    slug = factory.Sequence(lambda n: f"conf{n:03d}")
    acronym = factory.Sequence(lambda n: f"CONF {n}")
    name_zh = factory.Sequence(lambda n: f"第{n}届测试学术会议")
    name_en = factory.Sequence(lambda n: f"The {n}th Test Conference")
    start_date = datetime.date(2027, 5, 10)
    end_date = datetime.date(2027, 5, 12)
    city_zh = "杭州"
    city_en = "Hangzhou"
    contact_email = "office@example.org"
