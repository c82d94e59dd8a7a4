-- The visibility an ad-hoc lesson takes (a publish outside every scheduled lesson's window opens
-- one): its classroom's default (null: follow the school), else its school's. A classroom that is
-- in no school yet (declared with --classroom and not placed) follows its own default only, and is
-- public without one. Scheduled lessons keep their own visibility, set when they are scheduled.
alter table schools add column default_visibility text not null default 'public'
  check (default_visibility in ('public', 'school', 'protected'));
alter table classrooms add column default_visibility text null
  check (default_visibility in ('public', 'school', 'protected'));
