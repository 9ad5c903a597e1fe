<?php
/**
 * TOP API: taobao.demo.broken.get request
 */
class DemoBrokenGetRequest
{
	/** 
	 * 编号
	 **/
	private $id;

	/* a comment that is never closed
	public function getApiMethodName()
	{
		return "taobao.demo.broken.get";
	}
}
