-- 012: a double click creates one problem picture or intervention (issue 12). Each form instance
-- carries a UUID made when the form is drawn; the store returns the row already made with it
-- instead of inserting another (as incidents.client_token does for the report form).
ALTER TABLE problem_pictures ADD COLUMN client_token uuid UNIQUE;
ALTER TABLE interventions ADD COLUMN client_token uuid UNIQUE;
