print("ftd")
