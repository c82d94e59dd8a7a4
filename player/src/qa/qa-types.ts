// The live classroom's documents as the pages receive them: the types are the server's own.
export type { QaConsoleItem, QaFeed, QaFeedItem } from '../../../services/catalog/qa/qa-feed.ts';
export type { QaKind, QaSettings } from '../../../services/catalog/queries/qa.ts';
