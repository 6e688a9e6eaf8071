"""registry/domain"""
