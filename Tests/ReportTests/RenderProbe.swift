import Foundation

/// A script injected into a copy of a page that records, inside the browser, what went wrong while it loaded and
/// how it laid out, and writes that into the DOM for ``HeadlessChromium`` to read back from `--dump-dom`.
///
/// The script goes first thing after the `<meta charset>` tag, so its listeners are in place before anything else
/// loads and the charset declaration stays within the first 1024 bytes. A Content-Security-Policy `<meta>` placed
/// before that point would block it and is removed from the copy; one placed after it (as the reports do) stays in
/// force for the rest of the page, and its violations are recorded.
///
/// It records:
/// - uncaught script errors, unhandled promise rejections, `console.error` / `console.warn` and Content Security
///   Policy violations;
/// - resources that failed to load (images, stylesheets, scripts…) and every resource the page refers to or loaded
///   at all (a self-contained page has none);
/// - the size of every outermost `<svg>`, labels (`<text>`) drawn outside their chart or over one another;
/// - elements that stick out of their parent's box or out of the viewport, scroll containers that need scrolling,
///   and the document's width against the viewport's.
enum RenderProbe {
    /// The id of the element the findings are written to.
    static let elementID = "routiq-render-probe"

    /// What the probe found on one page.
    struct Findings: Decodable, Sendable {
        /// The layout viewport.
        struct Viewport: Decodable, Sendable {
            var width: Double
            var height: Double
        }

        /// One outermost `<svg>` and its rendered size.
        struct Chart: Decodable, Sendable {
            /// The id of the `<figure>` around it, else a description of where it is.
            var id: String
            var width: Double
            var height: Double
        }

        var viewport: Viewport
        /// The document's scroll width.
        var documentWidth: Double
        var errors: [String]
        var failedResources: [String]
        /// Every resource the page refers to or fetched (a self-contained page has none).
        var resources: [String]
        var charts: [Chart]
        var clippedLabels: [String]
        var overlappingLabels: [String]
        var overflowing: [String]
        /// Chromium's console lines from standard error; filled in by ``HeadlessChromium``.
        var consoleMessages: [String] = []

        private enum CodingKeys: String, CodingKey {
            case viewport, documentWidth, errors, failedResources, resources, charts, clippedLabels
            case overlappingLabels, overflowing
        }

        /// Every finding that means a reader would see something broken, as readable sentences; empty when the page
        /// is fine.
        var problems: [String] {
            var problems: [String] = []
            problems += errors.map { "script or policy error: \($0)" }
            problems += consoleMessages.map { "console message: \($0)" }
            problems += failedResources.map { "resource failed to load: \($0)" }
            problems += resources.map { "the page loads a resource (it must be self-contained): \($0)" }
            for chart in charts where chart.width < 1 || chart.height < 1 {
                problems.append("chart \(chart.id) has zero size (\(chart.width) × \(chart.height))")
            }
            problems += clippedLabels.map { "chart label drawn outside its chart: \($0)" }
            problems += overlappingLabels.map { "chart labels overlap: \($0)" }
            if documentWidth > viewport.width + 1 {
                problems.append(
                    "the page is \(Int(documentWidth)) px wide, wider than the \(Int(viewport.width)) px window")
            }
            problems += overflowing.map { "content wider than its container: \($0)" }
            return problems
        }
    }

    /// Why a page's probe results could not be read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Returns `html` with the probe script inserted after its `<meta charset>` tag.
    ///
    /// - Throws: ``Failure`` when the page has no `<meta charset>` in its `<head>`.
    static func instrument(_ html: String) throws -> String {
        guard let charset = html.range(of: "<meta charset", options: .caseInsensitive),
            let end = html[charset.upperBound...].firstIndex(of: ">")
        else {
            throw Failure(description: "the page has no <meta charset> to put the probe after")
        }
        var head = String(html[..<html.index(after: end)])
        let policy = #/<meta\s+http-equiv\s*=\s*"?content-security-policy"?[^>]*>/#.ignoresCase()
        head.replace(policy, with: "")
        return head + "<script>" + script + "</script>" + html[html.index(after: end)...]
    }

    /// Reads the findings the probe wrote into `dom`.
    ///
    /// - Throws: ``Failure`` when the probe wrote nothing: its script did not run, or the page never finished
    ///   loading. A check that cannot run must not pass.
    static func findings(in dom: String) throws -> Findings {
        guard let marker = dom.range(of: "id=\"\(elementID)\""),
            let start = dom[marker.upperBound...].firstIndex(of: ">"),
            let end = dom.range(of: "</pre>", range: start..<dom.endIndex)
        else {
            throw Failure(
                description: "the probe wrote no findings: its script did not run or the page did not finish loading")
        }
        let json = dom[dom.index(after: start)..<end.lowerBound]
        return try JSONDecoder().decode(Findings.self, from: Data(json.utf8))
    }

    /// The probe. Plain ES5-style JavaScript; the JSON it writes is escaped to printable ASCII without `<`, `>` or
    /// `&`, so the DOM serializer leaves it untouched.
    static let script = #"""
        (function () {
          'use strict';
          var found = { errors: [], failedResources: [] };
          function note(list, text) {
            text = String(text).slice(0, 300);
            if (list.length < 40 && list.indexOf(text) < 0) { list.push(text); }
          }
          window.addEventListener('error', function (event) {
            var target = event.target;
            if (target && target !== window && target.tagName) {
              note(found.failedResources, target.tagName.toLowerCase() + ' ' +
                (target.currentSrc || target.src || target.href || target.data || ''));
            } else {
              note(found.errors, 'uncaught ' + event.message);
            }
          }, true);
          window.addEventListener('unhandledrejection', function (event) {
            note(found.errors, 'unhandled rejection ' + event.reason);
          });
          document.addEventListener('securitypolicyviolation', function (event) {
            note(found.errors, 'Content-Security-Policy blocked ' + event.blockedURI + ' (' + event.violatedDirective + ')');
          });
          ['error', 'warn'].forEach(function (level) {
            var original = console[level];
            console[level] = function () {
              note(found.errors, 'console.' + level + ' ' + Array.prototype.join.call(arguments, ' '));
              return original.apply(console, arguments);
            };
          });
          function where(element) {
            var text = element.tagName.toLowerCase();
            if (element.id) { text += '#' + element.id; }
            if (element.className && typeof element.className === 'string') { text += '.' + element.className.split(' ').join('.'); }
            var owner = element.parentElement && element.parentElement.closest('figure[id], section, header');
            if (owner) {
              var heading = owner.querySelector('h1, h2, h3');
              text += ' in ' + owner.tagName.toLowerCase() + (owner.id ? '#' + owner.id : '') +
                (heading ? ' "' + heading.textContent.trim().slice(0, 40) + '"' : '');
            }
            var content = (element.textContent || '').trim().replace(/\s+/g, ' ');
            if (content) { text += ': "' + content.slice(0, 60) + '"'; }
            return text;
          }
          function box(element) {
            var r = element.getBoundingClientRect();
            return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
          }
          window.addEventListener('load', function () {
            var root = document.documentElement;
            Array.prototype.forEach.call(document.images, function (image) {
              if (!image.complete || image.naturalWidth === 0) { note(found.failedResources, 'img ' + image.src); }
            });
            Array.prototype.forEach.call(document.querySelectorAll('link[rel~="stylesheet"]'), function (link) {
              if (!link.sheet) { note(found.failedResources, 'stylesheet ' + link.href); }
            });
            found.resources = [];
            performance.getEntriesByType('resource').forEach(function (entry) { note(found.resources, entry.name); });
            Array.prototype.forEach.call(document.querySelectorAll('[src], [srcset], object[data], link[href]'), function (element) {
              if (element.tagName.toLowerCase() === 'script' && !element.src) { return; }
              note(found.resources, element.tagName.toLowerCase() + ' ' + (element.src || element.srcset || element.data || element.href));
            });
            found.viewport = { width: root.clientWidth, height: root.clientHeight };
            found.documentWidth = root.scrollWidth;
            found.charts = [];
            found.clippedLabels = [];
            found.overlappingLabels = [];
            found.overflowing = [];
            Array.prototype.forEach.call(document.querySelectorAll('svg'), function (svg) {
              if (svg.parentElement.closest('svg')) { return; }
              var figure = svg.closest('figure[id]');
              var id = figure ? figure.id : where(svg);
              var outer = box(svg);
              found.charts.push({ id: id, width: outer.width, height: outer.height });
              if (outer.width < 1 || outer.height < 1) { return; }
              var labels = Array.prototype.map.call(svg.querySelectorAll('text'), function (text) {
                return { text: text.textContent, box: box(text) };
              }).filter(function (label) { return label.box.width > 0; });
              labels.forEach(function (label, index) {
                var b = label.box;
                if (b.left < outer.left - 1 || b.right > outer.right + 1 || b.top < outer.top - 1 || b.bottom > outer.bottom + 1) {
                  note(found.clippedLabels, id + ': "' + label.text + '"');
                }
                labels.slice(index + 1).forEach(function (other) {
                  var o = other.box;
                  var overlapX = Math.min(b.right, o.right) - Math.max(b.left, o.left);
                  var overlapY = Math.min(b.bottom, o.bottom) - Math.max(b.top, o.top);
                  if (overlapX > 1 && overlapY > 1) {
                    note(found.overlappingLabels, id + ': "' + label.text + '" and "' + other.text + '"');
                  }
                });
              });
            });
            var width = root.clientWidth;
            Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (element) {
              if (element.tagName.toLowerCase() !== 'svg' && element.closest('svg')) { return; }
              var b = box(element);
              if (b.width === 0 && b.height === 0) { return; }
              var parent = box(element.parentElement);
              if (b.left < -1 || b.right > width + 1) {
                note(found.overflowing, where(element) + ' reaches ' + Math.round(b.left) + '…' + Math.round(b.right) + ' px, outside the window');
              } else if (b.right > parent.right + 1 || b.left < parent.left - 1) {
                note(found.overflowing, where(element) + ' sticks out of its ' + element.parentElement.tagName.toLowerCase() +
                  ' by ' + Math.round(Math.max(b.right - parent.right, parent.left - b.left)) + ' px');
              }
              var overflowX = getComputedStyle(element).overflowX;
              if (overflowX !== 'visible' && element.scrollWidth > element.clientWidth + 1) {
                note(found.overflowing, where(element) + ' needs horizontal scrolling (' + element.scrollWidth +
                  ' px in ' + element.clientWidth + ' px)');
              }
            });
            var output = document.createElement('pre');
            output.id = 'routiq-render-probe';
            output.hidden = true;
            output.textContent = JSON.stringify(found).replace(/[^\x20-\x7e]|[<>&]/g, function (character) {
              return '\\u' + ('0000' + character.charCodeAt(0).toString(16)).slice(-4);
            });
            document.body.appendChild(output);
          });
        })();
        """#
}
