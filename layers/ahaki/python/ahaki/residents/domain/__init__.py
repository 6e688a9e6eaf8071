"""residents/domain"""
