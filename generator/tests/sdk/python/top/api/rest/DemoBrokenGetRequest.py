'''
Created by auto_sdk on 2026.11.30
'''
from top.api.base import RestApi
class DemoBrokenGetRequest(RestApi):
	def __init__(self,domain='gw.api.taobao.com',port=80):
		RestApi.__init__(self,domain, port)
		self.id = None

	def getapiname(self):
		return METHOD_NAME
