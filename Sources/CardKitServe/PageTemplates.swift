import Mustache

/// The pages' Mustache templates.
///
/// `{{name}}` escapes its value; `{{{name}}}` is used only for HTML that ``HTMLText`` made from escaped text. Every
/// page extends `layout`, which loads the one stylesheet and the one script from `/static` (the Content-Security-Policy
/// allows nothing else: no inline script, style or event handler).
enum PageTemplates {
    /// Every template by name, parsed once.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// Renders a page.
    ///
    /// - Parameters:
    ///   - name: The template.
    ///   - view: The values it shows.
    /// - Returns: The HTML.
    static func render(_ name: String, _ view: [String: Any]) -> String {
        library.render(view, withTemplate: name) ?? ""
    }

    static let sources: [(String, String)] = [
        ("layout", layout), ("gallery", gallery), ("card", card), ("edit", edit), ("diff", diff),
        ("message", message),
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{$title}}CardKit{{/title}} · CardKit</title>
        <link rel="stylesheet" href="/static/app.css">
        <link rel="icon" href="/static/favicon.png">
        <script src="/static/app.js" defer></script>
        </head>
        <body data-page="{{page}}">
        <header class="top">
        <a class="brand" href="/">CardKit</a>
        <span class="folder" title="The collection's folder">{{folder}}</span>
        <nav><a href="/">Gallery</a> <a href="/diff">Diff</a> <a href="/api/v1/openapi.json">API</a></nav>
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let gallery = """
        {{<layout}}
        {{$title}}Gallery{{/title}}
        {{$content}}
        <form class="search" method="get" action="/" role="search">
        <input type="search" name="q" value="{{q}}" placeholder="Search name, tag or text" id="search" autofocus>
        <select name="spec" class="autosubmit" aria-label="Spec">
        {{#specs}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/specs}}
        </select>
        <select name="container" class="autosubmit" aria-label="Container">
        {{#containers}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/containers}}
        </select>
        <select name="validity" class="autosubmit" aria-label="Validity">
        {{#validities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/validities}}
        </select>
        {{#tag}}<input type="hidden" name="tag" value="{{tag}}">{{/tag}}
        <button type="submit">Search</button>
        </form>
        {{#tag}}<p class="filter">Tag <span class="chip">{{tag}}</span> <a href="{{clearTag}}">remove</a></p>{{/tag}}
        {{#indexing}}<p class="notice" id="indexing">Indexing: {{indexed}} of {{total}} files read.</p>{{/indexing}}
        <p class="count" id="count">{{summary}}</p>
        <section class="grid" id="cards">
        {{#cards}}
        <article class="tile" data-path="{{path}}">
        <a class="avatar" href="{{href}}"><img src="{{avatar}}" alt="" loading="lazy" width="160" height="160"></a>
        <h2><a href="{{href}}">{{name}}</a></h2>
        <p class="meta"><span class="badge spec">{{spec}}</span> <span class="badge container">{{container}}</span>
        <span class="badge validity {{validity}}">{{validityLabel}}</span></p>
        <p class="tags">{{#tags}}<a class="chip" href="{{href}}">{{name}}</a> {{/tags}}</p>
        </article>
        {{/cards}}
        {{^cards}}<p class="empty">No card matches.</p>{{/cards}}
        </section>
        <nav class="pager">
        {{#previous}}<a rel="prev" href="{{previous}}">← Previous</a>{{/previous}}
        <span>Page {{pageNumber}} of {{pageCount}}</span>
        {{#next}}<a rel="next" href="{{next}}">Next →</a>{{/next}}
        </nav>
        {{^empty(topTags)}}<aside class="tagcloud"><h2>Tags</h2>
        {{#topTags}}<a class="chip" href="{{href}}">{{name}} <small>{{count}}</small></a> {{/topTags}}</aside>{{/empty(topTags)}}
        {{/content}}
        {{/layout}}
        """

    static let card = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        {{#saved}}<p class="notice saved" id="saved">Saved. The previous file was kept as {{saved}}.</p>{{/saved}}
        <section class="cardhead">
        <img class="portrait" src="{{avatar}}" alt="">
        <div>
        <h1 id="card-name">{{name}}</h1>
        <dl class="facts">
        <dt>File</dt><dd><code>{{path}}</code></dd>
        <dt>Container</dt><dd>{{container}} ({{format}})</dd>
        <dt>Spec</dt><dd>{{spec}}</dd>
        {{#creator}}<dt>Creator</dt><dd>{{creator}}</dd>{{/creator}}
        {{#version}}<dt>Version</dt><dd>{{version}}</dd>{{/version}}
        <dt>Tags</dt><dd class="tags">{{#tags}}<a class="chip" href="{{href}}">{{name}}</a> {{/tags}}{{^tags}}none{{/tags}}</dd>
        </dl>
        <p class="actions">
        {{#editHref}}<a class="button" id="edit-link" href="{{editHref}}">Edit</a>{{/editHref}}
        {{#backupDiffHref}}<a class="button" href="{{backupDiffHref}}">Diff against backup</a>{{/backupDiffHref}}
        <a class="button" href="{{diffHref}}">Diff with…</a>
        </p>
        </div>
        </section>

        <section id="downloads"><h2>Download as</h2>
        <ul class="downloads">{{#downloads}}<li><a class="download" data-target="{{target}}" href="{{href}}">{{label}}</a></li>{{/downloads}}</ul>
        </section>

        <section id="validation"><h2>Validation</h2>
        {{#validation}}
        <div class="profile">
        <h3>{{profile}} <span class="badge {{#valid}}ok{{/valid}}{{^valid}}bad{{/valid}}">{{verdict}}</span></h3>
        {{#schema}}<p class="schema">Schema <code>{{schema}}</code></p>{{/schema}}
        {{#failure}}<p class="problem">{{failure}}</p>{{/failure}}
        {{^empty(errors)}}<table><thead><tr><th>Pointer</th><th>Problem</th></tr></thead><tbody>
        {{#errors}}<tr><td><code>{{pointer}}</code></td><td>{{message}}</td></tr>{{/errors}}
        </tbody></table>{{/empty(errors)}}
        </div>
        {{/validation}}
        </section>

        <section id="diagnostics"><h2>Diagnostics</h2>
        {{^empty(diagnostics)}}<table><thead><tr><th>Severity</th><th>Code</th><th>Pointer</th><th>Message</th></tr></thead><tbody>
        {{#diagnostics}}<tr class="{{severity}}"><td>{{severity}}</td><td><code>{{code}}</code></td><td><code>{{pointer}}</code></td><td>{{message}}</td></tr>{{/diagnostics}}
        </tbody></table>{{/empty(diagnostics)}}
        {{^diagnostics}}<p>Reading found nothing to report.</p>{{/diagnostics}}
        </section>

        <section id="fields"><h2>Fields</h2>
        {{#fields}}
        <article class="field" data-field="{{key}}">
        <h3>{{label}} <small><code>{{key}}</code> · {{length}} characters</small></h3>
        <div class="text{{#long}} long{{/long}}">{{{html}}}</div>
        </article>
        {{/fields}}
        {{^empty(greetings)}}<article class="field" data-field="alternate_greetings"><h3>Alternate greetings <small>{{count(greetings)}}</small></h3>
        <ol class="greetings">{{#greetings}}<li><div class="text">{{{html}}}</div></li>{{/greetings}}</ol></article>{{/empty(greetings)}}
        </section>

        {{#book}}
        <section id="lorebook"><h2>Lorebook{{#bookName}}: {{bookName}}{{/bookName}} <small>{{entryCount}} entries</small></h2>
        <table class="entries"><thead><tr><th>#</th><th>Keys</th><th>Secondary keys</th><th>Enabled</th><th>Constant</th><th>Order</th><th>Position</th><th>Content</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{number}}</td><td>{{keys}}</td><td>{{secondary}}</td><td>{{enabled}}</td><td>{{constant}}</td><td>{{order}}</td><td>{{position}}</td><td><div class="text">{{{html}}}</div></td></tr>{{/entries}}
        </tbody></table>
        </section>
        {{/book}}

        <section id="assets"><h2>Assets</h2>
        {{^empty(assets)}}<table><thead><tr><th>Type</th><th>Name</th><th>Ext</th><th>URI</th><th>File</th></tr></thead><tbody>
        {{#assets}}<tr><td>{{type}}</td><td>{{name}}</td><td>{{ext}}</td><td><code>{{uri}}</code></td><td>{{file}}</td></tr>{{/assets}}
        </tbody></table>{{/empty(assets)}}
        {{^assets}}<p>The card names no assets.</p>{{/assets}}
        {{^empty(chunks)}}<p>PNG asset chunks: {{#chunks}}<code>{{name}}</code> ({{size}} bytes) {{/chunks}}</p>{{/empty(chunks)}}
        </section>

        <section id="platforms"><h2>Converting to other platforms</h2>
        {{#platforms}}
        <article class="platform" data-platform="{{target}}">
        <h3>{{label}} <span class="badge {{verdictClass}}">{{verdict}}</span></h3>
        {{#refusal}}<p class="problem">{{refusal}}</p>{{/refusal}}
        {{^empty(entries)}}<table><thead><tr><th>Kind</th><th>Pointer</th><th>What happens</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{kind}}</td><td><code>{{pointer}}</code></td><td>{{reason}}</td></tr>{{/entries}}
        </tbody></table>{{/empty(entries)}}
        {{#href}}<p><a class="download" data-target="{{target}}" href="{{href}}">Download the {{label}} file</a></p>{{/href}}
        </article>
        {{/platforms}}
        </section>

        <section id="json"><h2>The card as V3 JSON</h2>
        <details><summary>Show</summary><pre class="json">{{json}}</pre></details>
        </section>
        {{/content}}
        {{/layout}}
        """

    static let edit = """
        {{<layout}}
        {{$title}}Edit {{name}}{{/title}}
        {{$content}}
        <h1>Edit <a href="{{cardHref}}">{{name}}</a></h1>
        <p class="hint">Saving writes <code>{{path}}</code> in place, atomically, after keeping the current file as a
        numbered <code>.bak</code> backup. The image and every other part of the file stay as they are.</p>
        <form method="post" action="/edit" id="edit-form" class="edit">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="path" value="{{path}}">
        <input type="hidden" name="revision" value="{{revision}}">
        {{#fields}}
        <label for="field-{{key}}">{{label}} <small><code>{{key}}</code></small></label>
        {{#multiline}}<textarea id="field-{{key}}" name="field.{{key}}" rows="{{rows}}">{{value}}</textarea>{{/multiline}}
        {{^multiline}}<input id="field-{{key}}" name="field.{{key}}" value="{{value}}">{{/multiline}}
        {{/fields}}
        <label for="field-tags">Tags <small>one per line</small></label>
        <textarea id="field-tags" name="tags" rows="4">{{tags}}</textarea>
        {{^empty(entries)}}
        <h2>Lorebook entries</h2>
        {{#entries}}
        <fieldset class="entry">
        <legend>Entry {{number}}</legend>
        <label for="entry-{{index}}-keys">Keys <small>comma-separated</small></label>
        <input id="entry-{{index}}-keys" name="entry.{{index}}.keys" value="{{keys}}">
        <label for="entry-{{index}}-content">Content</label>
        <textarea id="entry-{{index}}-content" name="entry.{{index}}.content" rows="5">{{content}}</textarea>
        <label class="check"><input type="checkbox" name="entry.{{index}}.enabled" value="true"{{#enabled}} checked{{/enabled}}> Enabled</label>
        <input type="hidden" name="entry.{{index}}.present" value="true">
        </fieldset>
        {{/entries}}
        {{/empty(entries)}}
        <p class="actions"><button type="submit" id="save">Save</button> <a href="{{cardHref}}">Cancel</a></p>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let diff = """
        {{<layout}}
        {{$title}}Diff{{/title}}
        {{$content}}
        <h1>Diff</h1>
        <form method="get" action="/diff" class="diffpick">
        <label>A <select name="a">{{#choicesA}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/choicesA}}</select></label>
        <label>B <select name="b">{{#choicesB}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/choicesB}}</select></label>
        <button type="submit">Compare</button>
        </form>
        {{#compared}}
        <div class="sides"><div><h2>A</h2><p><code>{{a}}</code></p></div><div><h2>B</h2><p><code>{{b}}</code></p></div></div>
        <p class="count" id="diff-summary">{{summary}}</p>
        {{^empty(changes)}}<table class="changes"><thead><tr><th>Change</th><th>Where</th><th>A</th><th>B</th></tr></thead><tbody>
        {{#changes}}<tr class="{{kind}}"><td>{{kind}}</td><td>{{what}}<br><code>{{pointer}}</code></td>
        {{^empty(lines)}}<td colspan="2"><pre class="linediff">{{#lines}}<span class="{{class}}">{{text}}</span>
        {{/lines}}</pre></td>{{/empty(lines)}}
        {{^lines}}<td><pre>{{old}}</pre></td><td><pre>{{new}}</pre></td>{{/lines}}</tr>{{/changes}}
        </tbody></table>{{/empty(changes)}}
        {{/compared}}
        {{#problem}}<p class="problem">{{problem}}</p>{{/problem}}
        {{/content}}
        {{/layout}}
        """

    static let message = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        <p class="problem" id="message">{{message}}</p>
        <p><a href="/">Back to the gallery</a></p>
        {{/content}}
        {{/layout}}
        """
}
