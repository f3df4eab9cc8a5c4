import Hummingbird
enum _FakePlaceholder {}
