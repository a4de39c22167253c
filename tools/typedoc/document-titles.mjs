// TypeDoc plugin: a guide in docs/ is named after its first `# ` heading rather than its file name,
// so that pages and navigation read "Choosing a flow" or "The bijective command" without YAML
// frontmatter (which GitHub shows as a table). A `title` in frontmatter still wins; package READMEs
// attached to their module (`@document ../README.md`) keep the name README, while a README that is a
// project document takes its heading too.
import { Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, doc) => {
    // TypeDoc names a document after its path without the extension unless frontmatter titles it.
    const base = (doc.project.files.getReflectionPath(doc) ?? '').replace(/^.*\//, '').replace(/\.md$/i, '');
    if (doc.name !== base && !doc.name.endsWith(`/${base}`)) return;
    if (base === 'README' && doc.parent !== doc.project) return;
    const text = doc.content.map((part) => part.text).join('');
    const heading = /^#[ \t]+(.+?)[ \t]*$/m.exec(text);
    if (heading) doc.name = heading[1].replace(/`/g, '');
  });
}
