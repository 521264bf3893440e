import Foundation
import RedressApp

/// The page templates, parsed once into a tree and rendered over a `RenderValue` (issue 18).
///
/// The templates are Mustache: `{{name}}` (HTML-escaped), `{{{name}}}` / `{{&name}}` (not escaped), sections
/// `{{#name}}…{{/name}}`, inverted sections `{{^name}}…{{/name}}`, partials `{{> name}}` and comments `{{! … }}`, with
/// dotted names and `{{.}}`, and the standalone-line rule (a line holding only a section, partial or comment tag
/// disappears with its line break). Rendering it ourselves instead of through swift-mustache removes the dynamic
/// casts and reflection of every look-up (they were most of a page's CPU); the output is byte for byte the same,
/// which the page snapshots and a differential test against swift-mustache check.
struct PageTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(Name, escaped: Bool)
        case section(Name, inverted: Bool, [Node])
        case partial(String)
    }

    /// A dotted name: `.` alone is the current value; a leading dot looks in the current value only.
    struct Name: Sendable, Equatable {
        var parts: [String]
        var currentOnly: Bool
        var raw: String

        init(_ raw: String) {
            self.raw = raw
            if raw == "." {
                parts = []
                currentOnly = true
            } else {
                currentOnly = raw.hasPrefix(".")
                parts = raw.split(separator: ".").map(String.init)
            }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var template: String
        var message: String
        var description: String { "template \(template): \(message)" }
    }

    let nodes: [Node]

    init(nodes: [Node]) { self.nodes = nodes }

    // MARK: Parsing

    private enum Kind { case variable, unescaped, section, inverted, close, partial, comment }
    private enum Raw {
        case text(Substring)
        case newline(Substring)
        case tag(Kind, String)
    }

    init(parsing source: String, name: String) throws {
        let raw = try Self.tokens(source, name: name)
        let lines = Self.standalone(raw)
        var stack: [(name: Name?, inverted: Bool, nodes: [Node])] = [(nil, false, [])]
        for token in lines {
            switch token {
            case .text(let text), .newline(let text):
                if text.isEmpty { continue }
                // Adjacent text joins into one node.
                if case .text(let previous)? = stack[stack.count - 1].nodes.last {
                    stack[stack.count - 1].nodes[stack[stack.count - 1].nodes.count - 1] = .text(previous + text)
                } else {
                    stack[stack.count - 1].nodes.append(.text(String(text)))
                }
            case .tag(let kind, let tag):
                switch kind {
                case .comment: continue
                case .variable: stack[stack.count - 1].nodes.append(.variable(Name(tag), escaped: true))
                case .unescaped: stack[stack.count - 1].nodes.append(.variable(Name(tag), escaped: false))
                case .partial: stack[stack.count - 1].nodes.append(.partial(tag))
                case .section, .inverted: stack.append((Name(tag), kind == .inverted, []))
                case .close:
                    guard stack.count > 1, let open = stack.last?.name, open.raw == tag else {
                        throw ParseError(template: name, message: "{{/\(tag)}} closes no open {{#\(tag)}}")
                    }
                    let section = stack.removeLast()
                    stack[stack.count - 1].nodes.append(.section(open, inverted: section.inverted, section.nodes))
                }
            }
        }
        guard stack.count == 1 else {
            throw ParseError(template: name, message: "{{#\(stack.last?.name?.raw ?? "")}} is never closed")
        }
        nodes = stack[0].nodes
    }

    private static func tokens(_ source: String, name: String) throws -> [Raw] {
        var tokens: [Raw] = []
        var rest = Substring(source)
        while !rest.isEmpty {
            guard let open = rest.range(of: "{{") else {
                appendText(rest, to: &tokens)
                break
            }
            appendText(rest[..<open.lowerBound], to: &tokens)
            var body = rest[open.upperBound...]
            let kind: Kind
            let closer: String
            switch body.first {
            case "{": kind = .unescaped; closer = "}}}"; body = body.dropFirst()
            case "&": kind = .unescaped; closer = "}}"; body = body.dropFirst()
            case "#": kind = .section; closer = "}}"; body = body.dropFirst()
            case "^": kind = .inverted; closer = "}}"; body = body.dropFirst()
            case "/": kind = .close; closer = "}}"; body = body.dropFirst()
            case ">": kind = .partial; closer = "}}"; body = body.dropFirst()
            case "!": kind = .comment; closer = "}}"; body = body.dropFirst()
            case "=": throw ParseError(template: name, message: "changing delimiters is not supported")
            default: kind = .variable; closer = "}}"
            }
            guard let close = body.range(of: closer) else {
                throw ParseError(template: name, message: "a tag is not closed")
            }
            let tag = body[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if kind != .comment, tag.isEmpty || tag.contains(where: { $0 == "(" || $0 == "{" || $0 == "}" }) {
                throw ParseError(template: name, message: "unsupported tag {{\(body[..<close.lowerBound])}}")
            }
            tokens.append(.tag(kind, tag))
            rest = body[close.upperBound...]
        }
        return tokens
    }

    private static func appendText(_ text: Substring, to tokens: inout [Raw]) {
        var rest = text
        while let newline = rest.firstIndex(where: \.isNewline) {
            if newline > rest.startIndex { tokens.append(.text(rest[..<newline])) }
            let after = rest.index(after: newline)
            tokens.append(.newline(rest[newline..<after]))
            rest = rest[after...]
        }
        if !rest.isEmpty { tokens.append(.text(rest)) }
    }

    /// Removes the lines that hold only one section, close, partial or comment tag and blanks (Mustache's standalone
    /// lines): their blanks and line break go, the tag stays.
    private static func standalone(_ tokens: [Raw]) -> [Raw] {
        var out: [Raw] = []
        out.reserveCapacity(tokens.count)
        var line: [Raw] = []
        func flush(endedBy newline: Raw?) {
            var tags = 0, blank = true, standaloneKind = true
            for token in line {
                switch token {
                case .text(let text): if text.contains(where: { $0 != " " && $0 != "\t" }) { blank = false }
                case .tag(let kind, _):
                    tags += 1
                    if kind == .variable || kind == .unescaped { standaloneKind = false }
                case .newline: break
                }
            }
            if tags == 1 && blank && standaloneKind {
                out.append(contentsOf: line.filter { if case .tag = $0 { return true } else { return false } })
            } else {
                out.append(contentsOf: line)
                if let newline { out.append(newline) }
            }
            line = []
        }
        for token in tokens {
            if case .newline = token { flush(endedBy: token) } else { line.append(token) }
        }
        flush(endedBy: nil)
        return out
    }

    // MARK: Rendering

    func render(_ value: RenderValue, partials: [String: PageTemplate]) -> String {
        var out = ""
        out.reserveCapacity(16_384)
        var stack: [RenderValue] = [value]
        Self.render(nodes, stack: &stack, partials: partials, into: &out)
        return out
    }

    private static func render(_ nodes: [Node], stack: inout [RenderValue], partials: [String: PageTemplate],
                               into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .variable(let name, let escaped):
                guard let value = lookup(name, in: stack), let text = value.text else { continue }
                if escaped { HTMLEscape.escape(text, into: &out) } else { out += text }
            case .section(let name, let inverted, let children):
                let value = lookup(name, in: stack)
                if inverted {
                    switch value {
                    case .none, .bool(false)?: render(children, stack: &stack, partials: partials, into: &out)
                    case .list(let items)? where items.isEmpty:
                        render(children, stack: &stack, partials: partials, into: &out)
                    default: break
                    }
                    continue
                }
                switch value {
                case .none, .bool(false)?: break
                case .bool(true)?: render(children, stack: &stack, partials: partials, into: &out)
                case .list(let items)?:
                    for item in items {
                        stack.append(item)
                        render(children, stack: &stack, partials: partials, into: &out)
                        stack.removeLast()
                    }
                case .some(let value):
                    stack.append(value)
                    render(children, stack: &stack, partials: partials, into: &out)
                    stack.removeLast()
                }
            case .partial(let name):
                if let partial = partials[name] {
                    render(partial.nodes, stack: &stack, partials: partials, into: &out)
                }
            }
        }
    }

    private static func lookup(_ name: Name, in stack: [RenderValue]) -> RenderValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: RenderValue?
        if name.currentOnly {
            found = stack.last?.child(first)
        } else {
            for value in stack.reversed() {
                if let child = value.child(first) {
                    found = child
                    break
                }
            }
        }
        for part in name.parts.dropFirst() {
            guard let value = found else { return nil }
            found = value.child(part)
        }
        return found
    }
}

/// A page's model as the templates read it: text (every scalar, as Swift prints it), yes/no, lists, objects, and the
/// language's words kept as the dictionary they are.
enum RenderValue: Sendable {
    case text(String)
    case bool(Bool)
    case list([RenderValue])
    case object([String: RenderValue])
    case words([String: String])
    /// An empty element of a list (a nil in an array of optionals).
    case empty

    var text: String? {
        switch self {
        case .text(let text): text
        case .bool(let value): value ? "true" : "false"
        case .list, .object, .words, .empty: nil
        }
    }

    func child(_ name: String) -> RenderValue? {
        switch self {
        case .object(let values): values[name]
        case .words(let words): words[name].map(RenderValue.text)
        default: nil
        }
    }
}
