-- The signing secret is stored sealed with the secrets key (like webhook secrets); the development project
-- rewrites its value on every start.
ALTER TABLE projects RENAME COLUMN signer_secret TO signer_secret_sealed;
