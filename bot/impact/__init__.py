"""Anonymous impact figures, shown by the coordinators' report and the console's impact
page."""
