from .conferences import Conference, ConferenceRole
from .mail import EmailLog, EmailTemplate
from .users import User

__all__ = ["Conference", "ConferenceRole", "EmailLog", "EmailTemplate", "User"]
