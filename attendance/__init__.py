"""Registration for conferences: types and fee tiers, custom questions, registrations and their states.

Where to look:

* ``enums``      states (``RegistrationState``), the transition table, kinds of fee and question
* ``models``     ``RegistrationSettings``, ``RegistrationType`` + ``FeeTier``, ``Question`` +
                 ``QuestionChoice``, ``Registration``, ``Answer``
* ``services``   every write: ``registering.register`` / ``register_walk_in``, the state changes in
                 ``registrations``, staff changes and edits in ``changes``, orders in ``orders``,
                 prices in ``pricing``, input checks in ``inputs``
* ``selectors``  reads: ``registration_for``, ``attendee_status``, ``offered_types``, …
* ``forms``      ``RegistrationTypeForm``, ``DetailsForm``, ``QuestionsForm`` (the wizard's steps)
* ``signals``    ``registration_created``, ``registration_state_changed``, ``registration_changed``
* ``wizards``    the attendee's registration in steps (django-formtools), its files between steps
* ``views``      My conference: the registration, pay, edit, withdraw; ``urls`` under ``/<language>/``
* ``viewsets``   the Wagtail admin: set-up, registrations with actions, walk-ins, import and export
* ``tasks``      django-q2 entry points and their schedule (abandoned wizard files swept hourly)
* ``receivers``  reactions to ``commerce``'s ``order_paid`` / ``order_expired`` / ``order_cancelled`` /
                 ``order_refunded``
"""
