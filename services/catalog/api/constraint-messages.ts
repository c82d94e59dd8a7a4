// What a violated constraint means to the person who sent the request. PostgreSQL's own detail
// ("Key (province_id, name)=(1, Riverton) already exists") names columns, not fields, and could
// echo a stream key back, so it is never passed on.
export const uniqueViolationMessages: Record<string, { message: string; hint: string }> = {
  provinces_name_key: { message: 'a province with this name already exists', hint: 'choose another name' },
  cities_name_unique: { message: 'a city with this name already exists', hint: 'choose another name' },
  schools_name_unique: { message: 'this city already has a school with this name', hint: 'choose another name' },
  classrooms_pkey: { message: 'a classroom with this id already exists', hint: 'choose another id' },
  classrooms_name_unique: { message: 'this school already has a classroom with this name', hint: 'choose another name' },
  classrooms_primary_key_key: { message: 'this stream key is already in use', hint: 'leave the key out to have one generated' },
  classrooms_backup_key_key: { message: 'this stream key is already in use', hint: 'leave the key out to have one generated' },
  courses_title_unique: { message: 'this school already has a course with this title', hint: 'choose another title' },
  courseware_name_unique: { message: 'this course already has a file with this name', hint: 'rename the file' },
  lessons_pkey: { message: 'a lesson with this id already exists', hint: 'retry' },
  accounts_username_unique: { message: 'username: already taken', hint: 'choose another username' },
  city_relays_media_url_unique: { message: 'this city already has a relay at this URL', hint: 'list its relays at /api/v1/cities/{id}/relays' },
  city_address_ranges_cidr_unique: { message: 'this address range is already mapped to a city', hint: 'delete its mapping first (GET /api/v1/address-ranges lists them)' },
};

export const genericUniqueViolation = { message: 'something with these values already exists', hint: 'change the name or id' };

export function uniqueViolationMessage(constraint: string | undefined): { message: string; hint: string } {
  return (constraint && uniqueViolationMessages[constraint]) || genericUniqueViolation;
}
