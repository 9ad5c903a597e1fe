'''
Created by auto_sdk on 2026.11.30
'''
from top.api.base import RestApi
class TbkOrderDetailsGetRequest(RestApi):
	def __init__(self,domain='gw.api.taobao.com',port=80):
		RestApi.__init__(self,domain, port)
		self.end_time = None
		self.page_size = None
		self.position_index = None
		self.start_time = None

	def getapiname(self):
		return 'taobao.tbk.order.details.get'
