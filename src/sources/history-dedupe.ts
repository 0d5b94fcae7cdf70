import type { CommitInfo, Filter, Finding } from '../types.js';
import type { DiffObserver } from './diff-options.js';
import { NeedleIndex } from './needles.js';

/** What a deleted line must hold to remove a finding's secret: the secret, or the encoded token a decoded secret hid in. */
export const needleOf = (finding: Finding): string =>
  finding.decoded ? finding.lineText.slice(finding.column - 1, finding.endColumn - 1) || finding.secret : finding.secret;

/** One secret at one place (rule, file, secret: the fingerprint) and the stretches of history it lived in. */
interface Place {
  finding: Finding;
  /** what a deleted line must hold to remove it: the secret, or the encoded token a decoded secret hid in */
  needle: string;
  /** commits counted in stretches already closed */
  counted: number;
  /** the commit number its current stretch started at, or null while it is deleted */
  openedAt: number | null;
}

/**
 * Reports a secret once per place in a history scan, at the commit that first added it, and counts the
 * commits it survived: Finding.commits is the number of scanned commits, in the order the scan reads them
 * (oldest first, topological), from the one that added it up to the one that deleted it from that file
 * (not included), or to the end of the history; a re-added secret counts again from its new commit.
 * In a linear history that is exactly the number of commits whose tree held it; on interleaved branches it
 * counts the commits read in between. Memory: one entry per distinct finding, no lines kept.
 *
 * It is both the last filter of the pipeline (it sees findings in stream order) and the DiffObserver of the
 * history source (it sees commits and deleted lines), so findings of a commit arrive before its successor's
 * deletions. Within a commit the order does not matter: the history source hands its fragments on in
 * batches, after the deletions that follow them in git's output.
 */
export class HistoryDedupe implements Filter, DiffObserver {
  readonly name = 'history dedupe';
  private seq = 0;
  private readonly places = new Map<string, Place>();
  /** the places still open in each file, by needle (see NeedleIndex) */
  private readonly openByFile = new Map<string, NeedleIndex<Place>>();
  /** deleted in the current commit, unless the same commit adds it again (a moved line) */
  private readonly pendingClose = new Set<Place>();
  /** found in the current commit: there after it, whatever it deleted */
  private readonly foundNow = new Set<Place>();

  commit(_info: CommitInfo): void {
    this.closePending();
    this.seq++;
  }

  watches(file: string): boolean {
    return this.openByFile.has(file);
  }

  deleted(file: string, text: string): void {
    for (const place of this.openByFile.get(file)?.valuesIn(text) ?? []) this.pendingClose.add(place);
  }

  removed(file: string): void {
    for (const place of this.openByFile.get(file)?.values() ?? []) this.pendingClose.add(place);
  }

  keep(finding: Finding): boolean {
    // The same key in two messages is two leaks, one per commit.
    const key = finding.message ? `${finding.fingerprint}@${finding.commit?.sha}` : finding.fingerprint;
    const place = this.places.get(key);
    if (finding.message) {
      if (place) return false;
      this.places.set(key, { finding, needle: '', counted: 0, openedAt: null });
      return true;
    }
    if (!place) {
      const created: Place = { finding, needle: needleOf(finding), counted: 0, openedAt: null };
      this.places.set(key, created);
      this.open(created);
      return true;
    }
    this.foundNow.add(place);
    if (place.openedAt === null) this.open(place);
    return false;
  }

  /** Sets Finding.commits on every reported finding: call once the scan is over. */
  finish(): void {
    this.closePending();
    for (const place of this.places.values()) {
      if (place.finding.message) continue;
      place.finding.commits = place.counted + (place.openedAt === null ? 0 : this.seq - place.openedAt + 1);
    }
  }

  private open(place: Place): void {
    place.openedAt = this.seq;
    const file = place.finding.file;
    let open = this.openByFile.get(file);
    if (!open) this.openByFile.set(file, (open = new NeedleIndex()));
    open.add(place.needle, place);
  }

  private closePending(): void {
    // Most commits delete no open place: nothing to close, no sets to clear (10,000 commits replayed in ~1 ms).
    if (this.pendingClose.size === 0) {
      if (this.foundNow.size) this.foundNow.clear();
      return;
    }
    for (const place of this.pendingClose) {
      if (this.foundNow.has(place)) continue; // moved within its file
      place.counted += this.seq - place.openedAt!;
      place.openedAt = null;
      const open = this.openByFile.get(place.finding.file)!;
      open.delete(place.needle, place);
      if (open.size === 0) this.openByFile.delete(place.finding.file);
    }
    this.pendingClose.clear();
    this.foundNow.clear();
  }
}
