"""Safety: the screen that reads every inbound message for emergencies, crisis, medical
questions and distress, and the alerts that make sure a person on our side hears of it."""
