import Foundation

/// A page's model as swift-mustache reads it fastest: dictionaries and arrays (issue 18).
///
/// swift-mustache finds a name in a struct by reflection: a `Mirror` of every object on its stack, built again for
/// every `{{name}}` of every row (59 % of the queue page's CPU). A dictionary answers the same question by hashing, so
/// the model is encoded once into `[String: Any]` / `[Any]` before rendering. The values keep their Swift types
/// (`String`, `Bool`, `Int`, `Double`, `Date`…), a `nil` optional is left out (so the lookup goes on up the stack,
/// as it did for a `nil` field), and a `[String: String]` (the language's words) is kept as it is, not copied.
/// The templates and their escaping are unchanged; the snapshot tests render the same bytes.
enum RenderContext {
    static func make(_ model: some Encodable) -> Any {
        let slot = Slot()
        slot.store(model)
        return slot.resolved ?? [String: Any]()
    }
}

/// One value being built: a leaf, a keyed container (a struct) or an unkeyed one (an array).
private final class Slot {
    var leaf: Any?
    var keyed: [String: Slot]?
    var unkeyed: [Slot]?

    init() {}
    init(leaf: Any) { self.leaf = leaf }

    var resolved: Any? {
        if let keyed {
            var values: [String: Any] = [:]
            values.reserveCapacity(keyed.count)
            for (key, slot) in keyed { if let value = slot.resolved { values[key] = value } }
            return values
        }
        if let unkeyed { return unkeyed.map { $0.resolved as Any } }
        return leaf
    }

    /// Leaves are kept as the values they are (as the reflection saw them); everything else encodes itself.
    func store<T: Encodable>(_ value: T) {
        switch value {
        case let value as String: leaf = value
        case let value as Bool: leaf = value
        case let value as Int: leaf = value
        case let value as Double: leaf = value
        case let value as Date: leaf = value
        case let value as URL: leaf = value
        case let value as Decimal: leaf = value
        case let value as [String: String]: leaf = value
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

    private func put(_ value: Any, _ key: Key) { slot.keyed![key.stringValue] = Slot(leaf: value) }

    mutating func encodeNil(forKey key: Key) throws { slot.keyed![key.stringValue] = nil }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(value, key) }
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
    mutating func encode(_ value: Bool) throws { append().leaf = value }
    mutating func encode(_ value: String) throws { append().leaf = value }
    mutating func encode(_ value: Double) throws { append().leaf = value }
    mutating func encode(_ value: Float) throws { append().leaf = value }
    mutating func encode(_ value: Int) throws { append().leaf = value }
    mutating func encode(_ value: Int8) throws { append().leaf = value }
    mutating func encode(_ value: Int16) throws { append().leaf = value }
    mutating func encode(_ value: Int32) throws { append().leaf = value }
    mutating func encode(_ value: Int64) throws { append().leaf = value }
    mutating func encode(_ value: UInt) throws { append().leaf = value }
    mutating func encode(_ value: UInt8) throws { append().leaf = value }
    mutating func encode(_ value: UInt16) throws { append().leaf = value }
    mutating func encode(_ value: UInt32) throws { append().leaf = value }
    mutating func encode(_ value: UInt64) throws { append().leaf = value }
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
    mutating func encode(_ value: Bool) throws { slot.leaf = value }
    mutating func encode(_ value: String) throws { slot.leaf = value }
    mutating func encode(_ value: Double) throws { slot.leaf = value }
    mutating func encode(_ value: Float) throws { slot.leaf = value }
    mutating func encode(_ value: Int) throws { slot.leaf = value }
    mutating func encode(_ value: Int8) throws { slot.leaf = value }
    mutating func encode(_ value: Int16) throws { slot.leaf = value }
    mutating func encode(_ value: Int32) throws { slot.leaf = value }
    mutating func encode(_ value: Int64) throws { slot.leaf = value }
    mutating func encode(_ value: UInt) throws { slot.leaf = value }
    mutating func encode(_ value: UInt8) throws { slot.leaf = value }
    mutating func encode(_ value: UInt16) throws { slot.leaf = value }
    mutating func encode(_ value: UInt32) throws { slot.leaf = value }
    mutating func encode(_ value: UInt64) throws { slot.leaf = value }
    mutating func encode<T: Encodable>(_ value: T) throws { slot.store(value) }
}
