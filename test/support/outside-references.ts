/**
 * What a file of the repository must not name: a path into a folder beside the clone (where test
 * data used to be read from), or an outside specification document. A user's clone has neither,
 * so code, tests and comments that lean on them break or mislead there. The searched words are
 * assembled from pieces so that this file does not name them itself.
 */

const SHARED = ['sha', 'red'].join('');
const OUTSIDE_DOCUMENT = ['SP', 'EC'].join('');

/** The folder named {@link SHARED} one or more levels up, with `/` or `\` between. */
const PARENT_SHARED = new RegExp(`(?:\\.\\.[/\\\\])+${SHARED}(?![\\w-])`, 'g');
/** An absolute path to the folder on the machine this project was written on. */
const ABSOLUTE_SHARED = new RegExp(`/work/${SHARED}(?![\\w-])`, 'g');
/** The outside specification, by its name (`…`, `….md`), in capitals as it was cited. */
const OUTSIDE_DOCUMENT_NAME = new RegExp(`(?<![\\w-])${OUTSIDE_DOCUMENT}(?:\\.md)?(?![\\w-])`, 'g');

/**
 * The outside references in `text`, each as the text matched.
 *
 * @example
 * ```ts
 * outsideReferences("new URL('../../notes/x.json')"); // []
 * ```
 */
export function outsideReferences(text: string): string[] {
  return [PARENT_SHARED, ABSOLUTE_SHARED, OUTSIDE_DOCUMENT_NAME].flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[0]),
  );
}
