import FakeProviderServer
print("x")
