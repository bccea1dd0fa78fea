from decimal import Decimal

import pytest
from django.db import connection

from commerce.sellables import OrderItem
from commerce.services.orders import create_order, payment_settings_for


@pytest.fixture
def payment_settings(conference):
    settings_row = payment_settings_for(conference)
    settings_row.bank_account_name = "中国智能计算学会"
    settings_row.bank_name = "中国工商银行北京海淀支行"
    settings_row.bank_account_number = "0200 0045 0908 8123 456"
    settings_row.save()
    return settings_row


@pytest.fixture
def buyer(user_factory):
    return user_factory(email="li.lei@example.edu.cn", preferred_language="zh-hans")


def item(price="1200.00", quantity=1, kind="test.registration", object_id="1"):
    return OrderItem(
        kind=kind,
        object_id=object_id,
        description_zh="正式代表注册",
        description_en="Regular registration",
        unit_price=Decimal(price),
        quantity=quantity,
    )


@pytest.fixture
def make_order(conference, payment_settings, buyer):
    def make(*, purchaser=None, items=None, **kwargs):
        return create_order(conference=conference, purchaser=purchaser or buyer, items=items or [item()], **kwargs)

    return make


@pytest.fixture
def order(make_order):
    return make_order()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (the CI run uses it).")
