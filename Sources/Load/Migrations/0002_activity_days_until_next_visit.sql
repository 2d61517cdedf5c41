-- Days (local calendar dates) until the next upcoming visit, as the scorer computes it.
ALTER TABLE patient_activity ADD COLUMN days_until_next_visit integer;
