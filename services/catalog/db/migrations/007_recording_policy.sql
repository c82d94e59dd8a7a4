-- Whether lessons are recorded by default: a switch per school (on unless its admins or an operator
-- turn it off) and an override per lesson (null: follow the school; true or false: this lesson
-- decides). Only the default recording that opens when a lesson goes live follows it; a teacher
-- who starts recording by hand still records that session.
alter table schools add column record_lessons boolean not null default true;
alter table lessons add column record boolean null;
