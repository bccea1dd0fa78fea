"""``{{ amount|money:currency }}``: an amount is only ever shown with its currency."""

from decimal import Decimal

from django import template

register = template.Library()

SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    value = f"{Decimal(amount):,.2f}"
    symbol = SYMBOLS.get(currency, "")
    return f"{symbol}{value} {currency}" if symbol else f"{value} {currency}"
