/** An app id as the beacon schema accepts it; kept equal to the schema's pattern by a test. */
export const APP_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
