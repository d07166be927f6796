// The bot's settings for tests of its Dagster watchers alone: alerts to C0ALERTS, checked hourly (so by hand after the first), the disk, marts and database watchers off.
import { dagsterUrl } from './dagster-fixtures.js';

export const dagsterWatchEnv = { DAGSTER_URL: dagsterUrl, DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DATABASE: 'false' };
