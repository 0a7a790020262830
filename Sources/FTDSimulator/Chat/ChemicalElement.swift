/// The elements a plain answer knows facts about: the Elle examples' and other common ones.
struct ChemicalElement: Sendable, Equatable {
    let name: String
    let symbol: String
    let number: Int

    static func named(_ name: String) -> ChemicalElement? {
        let wanted = name.lowercased()
        return all.first { $0.name.lowercased() == wanted }
    }

    static let all: [ChemicalElement] = [
        .init(name: "Hydrogen", symbol: "H", number: 1), .init(name: "Helium", symbol: "He", number: 2),
        .init(name: "Lithium", symbol: "Li", number: 3), .init(name: "Carbon", symbol: "C", number: 6),
        .init(name: "Nitrogen", symbol: "N", number: 7), .init(name: "Oxygen", symbol: "O", number: 8),
        .init(name: "Fluorine", symbol: "F", number: 9), .init(name: "Neon", symbol: "Ne", number: 10),
        .init(name: "Sodium", symbol: "Na", number: 11), .init(name: "Magnesium", symbol: "Mg", number: 12),
        .init(name: "Aluminium", symbol: "Al", number: 13), .init(name: "Silicon", symbol: "Si", number: 14),
        .init(name: "Phosphorus", symbol: "P", number: 15), .init(name: "Sulfur", symbol: "S", number: 16),
        .init(name: "Chlorine", symbol: "Cl", number: 17), .init(name: "Argon", symbol: "Ar", number: 18),
        .init(name: "Potassium", symbol: "K", number: 19), .init(name: "Calcium", symbol: "Ca", number: 20),
        .init(name: "Iron", symbol: "Fe", number: 26), .init(name: "Copper", symbol: "Cu", number: 29),
        .init(name: "Zinc", symbol: "Zn", number: 30), .init(name: "Gallium", symbol: "Ga", number: 31),
        .init(name: "Silver", symbol: "Ag", number: 47), .init(name: "Tin", symbol: "Sn", number: 50),
        .init(name: "Iodine", symbol: "I", number: 53), .init(name: "Gold", symbol: "Au", number: 79),
        .init(name: "Mercury", symbol: "Hg", number: 80), .init(name: "Lead", symbol: "Pb", number: 82),
        .init(name: "Uranium", symbol: "U", number: 92),
    ]
}
