"""registry/adapters"""
