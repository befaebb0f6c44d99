// What each role may do, as the gateway's routes allow it; the client only offers what is allowed.
const ANY = null;
const RULES = {
  'members.read': ANY,
  'members.write': ['admin', 'membership_clerk', 'union_chair'],
  'welfare.read': ['admin', 'welfare_officer', 'union_chair', 'auditor'],
  'welfare.write': ['admin', 'welfare_officer'],
  'welfare.file': ['admin', 'welfare_officer', 'union_chair'], // claims, enrolments, hardship files, objections
  'welfare.ledger': ['admin', 'welfare_officer', 'auditor'], // funds and the ledger
  'training.read': ['admin', 'training_officer', 'union_chair', 'auditor'],
  'training.write': ['admin', 'training_officer'],
  'training.nominate': ['admin', 'training_officer', 'union_chair'],
  'rights.read': ['admin', 'rights_officer', 'union_chair', 'auditor'],
  'rights.write': ['admin', 'rights_officer'],
  'reports.read': ANY,
  'users.write': ['admin'],
  'audit.read': ['admin', 'auditor'],
};

export function can(user, action) {
  if (!user) return false;
  const allowed = RULES[action];
  if (allowed === undefined) return false;
  return allowed === ANY || (user.roles || []).some((role) => allowed.includes(role));
}

/** The role to show beside the user's name: the first that is not just a permission. */
export function mainRoles(user) {
  return (user.roles || []).filter((role) => role !== 'pii');
}
