-- The API's patient list pages by (action_priority, risk_score DESC, patient_id) within an organization: an index in
-- exactly that order lets a page read its rows in order instead of sorting most of the organization's patients.
-- It serves every query the index it replaces served (the same leading columns).
CREATE INDEX patient_activity_priority_page_idx
    ON patient_activity (organization_id, action_priority, risk_score DESC, patient_id);
DROP INDEX patient_activity_priority_idx;
