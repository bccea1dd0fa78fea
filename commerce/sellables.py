"""What ``commerce`` sells, without knowing what it is.

An app that sells something (a registration, a hotel stay, a tour seat) builds an ``OrderItem``
from its own server-side price list and passes it to ``commerce.services.orders.create_order`` or
``add_items``. The line keeps ``kind`` and ``object_id`` so that the selling app can find its row
again when it receives ``order_paid``, ``order_expired``, ``order_cancelled`` or
``order_refunded`` (see ``commerce.signals``); the description and price are copied onto the line,
so later changes to the price list never change an existing order.

Any object with an ``order_item(*, currency, quantity=1)`` method returning an ``OrderItem`` is
sellable (the ``Sellable`` protocol).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class OrderItem:
    kind: str  # "<app label>.<thing>", e.g. "attendance.registration"
    object_id: str
    description_zh: str
    description_en: str
    unit_price: Decimal
    quantity: int = 1

    def __post_init__(self):
        if not isinstance(self.unit_price, Decimal):
            raise TypeError("Prices are Decimal, never float.")
        if self.unit_price < 0 or self.quantity < 1:
            raise ValueError("A price cannot be negative and a quantity is at least one.")

    @property
    def amount(self):
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))


class Sellable(Protocol):
    def order_item(self, *, currency: str, quantity: int = 1) -> OrderItem: ...


_KIND_LABELS = {}


def register_kind(kind, label):
    """Name what a selling app's lines of ``kind`` are, for finance staff ("Registration");
    called from the app's ``ready()``."""
    _KIND_LABELS[kind] = label


def kind_label(kind):
    """The name of a kind of line; the kind itself for a kind no app named."""
    return _KIND_LABELS.get(kind, kind)
