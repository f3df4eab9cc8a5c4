// The umbrella module: everything a program needs to read, convert, validate and write cards.
@_exported import CardFormats
@_exported import CardKitFiles
@_exported import CardKitJSON
@_exported import CardModel
@_exported import CardPNG
@_exported import CardPlatforms
@_exported import CardSchemas
