import Foundation

/// A page's model as the templates read it (issue 18): encoded once into a `RenderValue` tree before rendering, so
/// that a look-up is a hash, not a `Mirror` of every object on the stack built again for every `{{name}}` of every row
/// (59 % of the queue page's CPU through swift-mustache). Scalars become the text Swift prints for them (what the
/// reflection printed), a `nil` optional is left out (so the look-up goes on up the stack, as it did for a `nil`
/// field), and a `[String: String]` (the language's words) is kept as it is, not copied.
enum RenderContext {
    static func make(_ model: some Encodable) -> RenderValue {
        let slot = Slot()
        slot.store(model)
        return slot.resolved ?? .object([:])
    }
}

/// One value being built: a leaf, a keyed container (a struct) or an unkeyed one (an array).
private final class Slot {
    var leaf: RenderValue?
    var keyed: [String: Slot]?
    var unkeyed: [Slot]?

    init() {}
    init(leaf: RenderValue) { self.leaf = leaf }
    init(_ scalar: some CustomStringConvertible) { leaf = .text(scalar.description) }

    var resolved: RenderValue? {
        if let keyed {
            var values: [String: RenderValue] = [:]
            values.reserveCapacity(keyed.count)
            for (key, slot) in keyed { if let value = slot.resolved { values[key] = value } }
            return .object(values)
        }
        if let unkeyed { return .list(unkeyed.map { $0.resolved ?? .empty }) }
        return leaf
    }

    /// Leaves are kept as the text they print; everything else encodes itself.
    func store<T: Encodable>(_ value: T) {
        switch value {
        case let value as String: leaf = .text(value)
        case let value as Bool: leaf = .bool(value)
        case let value as Int: leaf = .text(String(value))
        case let value as Double: leaf = .text(String(describing: value))
        case let value as Date: leaf = .text(String(describing: value))
        case let value as URL: leaf = .text(String(describing: value))
        case let value as Decimal: leaf = .text(String(describing: value))
        case let value as [String: String]: leaf = .words(value)
        default:
            // The encoder below never throws; a model's own `encode(to:)` could, and then renders as empty.
            do { try value.encode(to: SlotEncoder(slot: self)) } catch { leaf = nil }
        }
    }
}

private struct SlotEncoder: Encoder {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.keyed == nil { slot.keyed = [:] }
        return KeyedEncodingContainer(KeyedSlot<Key>(slot: slot))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if slot.unkeyed == nil { slot.unkeyed = [] }
        return UnkeyedSlot(slot: slot)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlot(slot: slot) }
}

private struct KeyedSlot<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }

    private func put(_ value: some CustomStringConvertible, _ key: Key) { slot.keyed![key.stringValue] = Slot(value) }

    mutating func encodeNil(forKey key: Key) throws { slot.keyed![key.stringValue] = nil }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.keyed![key.stringValue] = Slot(leaf: .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.keyed![key.stringValue] = Slot(leaf: .text(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = Slot()
        child.store(value)
        slot.keyed![key.stringValue] = child
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        let child = Slot()
        slot.keyed![key.stringValue] = child
        return SlotEncoder(slot: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Slot()
        slot.keyed![key.stringValue] = child
        return SlotEncoder(slot: child).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Slot()
        slot.keyed![key.stringValue] = child
        return SlotEncoder(slot: child)
    }
}

private struct UnkeyedSlot: UnkeyedEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }
    var count: Int { slot.unkeyed!.count }

    private func append() -> Slot {
        let child = Slot()
        slot.unkeyed!.append(child)
        return child
    }

    mutating func encodeNil() throws { _ = append() }
    mutating func encode(_ value: Bool) throws { append().leaf = .bool(value) }
    mutating func encode(_ value: String) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Double) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Float) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Int) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Int8) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Int16) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Int32) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: Int64) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: UInt) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: UInt8) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: UInt16) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: UInt32) throws { append().leaf = .text(value.description) }
    mutating func encode(_ value: UInt64) throws { append().leaf = .text(value.description) }
    mutating func encode<T: Encodable>(_ value: T) throws { append().store(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey> { SlotEncoder(slot: append()).container(keyedBy: keyType) }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: append()).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { SlotEncoder(slot: append()) }
}

private struct SingleSlot: SingleValueEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { slot.leaf = nil }
    mutating func encode(_ value: Bool) throws { slot.leaf = .bool(value) }
    mutating func encode(_ value: String) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Double) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Float) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Int) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Int8) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Int16) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Int32) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: Int64) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: UInt) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: UInt8) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: UInt16) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: UInt32) throws { slot.leaf = .text(value.description) }
    mutating func encode(_ value: UInt64) throws { slot.leaf = .text(value.description) }
    mutating func encode<T: Encodable>(_ value: T) throws { slot.store(value) }
}
