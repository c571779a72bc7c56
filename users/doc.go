// Package users creates the test population of a real user pool and
// removes it again, exactly.
//
// Create makes confirmed users with permanent random passwords that meet
// the pool's password policy (read with DescribeUserPool), through
// AdminCreateUser with MessageAction SUPPRESS (no invitation is sent) and
// AdminSetUserPassword. Their email addresses default to the Amazon SES
// mailbox simulator, so codes sent through SES succeed without reaching a
// person or hurting the sender's reputation. Usernames fit the pool: where
// users sign in with their email address (or phone number), the address
// is the username.
//
// Every user is recorded in a manifest before it is created, and the
// manifest is rewritten whole (temporary file and rename) as the work
// goes, so an interrupted Create leaves a manifest that a second Create
// continues and Delete empties: Delete removes the manifest's users and
// nothing else, whatever their names share with other users of the pool.
// The passwords go to the users file (username,password, mode 0600) and
// nowhere else: not in the manifest, an error or a progress report.
//
// Calls are paced under the account's quotas and ride out throttling with
// idpclient.Backoff.
package users
